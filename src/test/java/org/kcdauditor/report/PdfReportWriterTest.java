package org.kcdauditor.report;

import org.kcdauditor.support.TestFindings;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.kcdauditor.config.ReportsConfig;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.report.pdf.PdfReportWriter;
import org.kcdauditor.rules.RuleCatalogue;

import java.awt.geom.Rectangle2D;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.kcdauditor.model.Evidence;
import org.kcdauditor.remedy.Action;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PdfReportWriterTest {

    static byte[] render(FindingsDocument doc, int matrixMax) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PdfReportWriter(matrixMax).write(ReportView.of(doc), out);
        return out.toByteArray();
    }

    static String text(byte[] pdf, int from, int to) throws Exception {
        try (PDDocument d = Loader.loadPDF(pdf)) {
            PDFTextStripper s = new PDFTextStripper();
            s.setStartPage(from);
            s.setEndPage(Math.min(to, d.getNumberOfPages()));
            return s.getText(d).replaceAll("[ \\t]*\\R[ \\t]*", "\n");
        }
    }

    /**
     * A directory value full of control and bidi characters is shown with each as its code ({@code \\u202E}); a
     * long one wraps, and the line broke inside a code ("\\u20" at a line's end, "2E" at the next one's start), which
     * reads as two other characters. No line break falls inside a code, in a table cell or a sentence.
     */
    @Test
    void aLongValueFullOfCodesNeverWrapsInsideOne() throws Exception {
        StringBuilder v = new StringBuilder("cifs/hv");
        for (int i = 0; i < 60; i++) {
            v.append(i % 3 == 0 ? "\u202E" : i % 3 == 1 ? "\u0007x" : "\u200F");
        }
        String value = v.toString();
        Finding f = Finding.of("MALFORMED_DELEGATION_ENTRY", Severity.HIGH, "HVC1", "HV01", null, value, null,
                "HV01's msDS-AllowedToDelegateTo holds " + value + ", which is no SPN.",
                Evidence.builder().spn(value).build(), List.of(new Action.RemoveDelegation("HV01", null,
                        List.of(value))));
        String text;
        try (PDDocument d = Loader.loadPDF(render(Fixtures.withFindings(Fixtures.demo(), List.of(f)), 16))) {
            text = new PDFTextStripper().getText(d);
        }
        assertTrue(text.contains("\\u202E\\u0007x\\u200F"), text);
        // no code is cut by a line break: none ends a line before its fourth digit
        java.util.regex.Matcher cut = java.util.regex.Pattern.compile("\\\\(?:u[0-9A-F]{0,3})?\\R").matcher(text);
        List<String> broken = new ArrayList<>();
        while (cut.find()) {
            broken.add(text.substring(Math.max(0, cut.start() - 20), Math.min(text.length(), cut.start() + 20)));
        }
        assertTrue(broken.isEmpty(), broken.size() + " codes cut: " + broken);
    }

    @Test
    void stepsOnTheHostsAreListedWithTheChangesPerObjectAndPageOneSaysTheScriptDoesNotRunThem() throws Exception {
        FindingsDocument doc = Fixtures.generateDemo();
        ReportView view = ReportView.of(doc);
        org.junit.jupiter.api.Assumptions.assumeFalse(view.plan().onHosts().isEmpty(), "the demo resets HV13's password");
        byte[] pdf = render(doc, 16);
        String all = text(pdf, 1, 99).replace("\n", " ");
        String host = view.plan().onHosts().get(0).subject();
        assertTrue(all.matches("(?s).*" + host + " (HVC\\d )?On the host: " + java.util.regex.Pattern.quote(
                Procedure.onHost(view.plan().onHosts().get(0))) + ".*"), all);
        String first = text(pdf, 1, 1).replace("\n", " ");
        assertTrue(first.contains("by a command run there, which the script does not run (runbook.md lists it)"), first);
        assertTrue(first.contains("The proposed change:"), first);
    }

    /**
     * The approver of baseline.yaml (free text in a file anyone with write access edits) is one value: a line feed in it
     * is shown as its code, as in the runbooks and the workbook, not as a line of its own under "Drift, patches and
     * events" ("GO for the patch window" printed by the file).
     */
    @Test
    void aLineFeedInTheBaselinesApproverIsShownAsItsCode() throws Exception {
        FindingsDocument d = Fixtures.demo();
        FindingsDocument doc = new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), d.summary(), d.policy(), d.clusters(), d.hosts(), d.findings(), null, null,
                new HistorySections.BaselineDoc("baseline.yaml", java.time.Instant.parse("2026-11-01T06:00:00Z"), null,
                        "jdoe\nGO for the patch window: 2 of 2 clusters", 6, List.of(), null), null, null, null);
        String all = text(render(doc, 16), 1, 99);
        assertTrue(all.contains("approved by jdoe\\u000AGO for the patch window"), all);
        assertFalse(all.contains("jdoe\nGO"), all);
    }

    /**
     * A baseline captured without {@code --approved-by} says so, as runbook.md does ("approver not recorded"): the PDF
     * read "Compared with the baseline approved by (captured …", a sentence with its approver missing.
     */
    @Test
    void aBaselineWithoutApproverSaysItsApproverIsNotRecorded() throws Exception {
        FindingsDocument d = Fixtures.demo();
        FindingsDocument doc = new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), d.summary(), d.policy(), d.clusters(), d.hosts(), d.findings(), null, null,
                new HistorySections.BaselineDoc("baseline.yaml", java.time.Instant.parse("2026-11-01T06:00:00Z"), null,
                        null, 6, List.of(), null), null, null, null);
        String all = text(render(doc, 16), 1, 99).replaceAll("\\s+", " ");
        assertFalse(all.contains("approved by (captured"), all);
        assertTrue(all.contains("Compared with the baseline captured 2026-11-01 06:00:00 UTC (approver not recorded,"
                + " 6 hosts; file baseline.yaml)."), all);
    }

    /** An AES change is a change of its object: the remediation plan's "Changes per object" names it too. */
    @Test
    void aChangeOfOneEntryIsCountedInTheSingular() throws Exception {
        FindingsDocument doc = Fixtures.demoWith(List.of(Fixtures.missing("HV01", "HV02", "cifs/hv02.contoso.com")));
        String summary = text(render(doc, 16), 2, 3).replaceAll("\\s+", " ");
        assertTrue(summary.contains("Proposed change: update 1 object in Active Directory (1 entry added, removed or"
                + " registered)."), summary);
    }

    @Test
    void theChangesPerObjectNameAnEncryptionChange() throws Exception {
        Finding rc4 = TestFindings.rc4Only("HV01");
        Finding des = TestFindings.of("AES_NOT_ENABLED", Severity.HIGH, "HVC1", "HV02", null, null,
                "HV02 has USE_DES_KEY_ONLY.", Evidence.builder().encryptionTypes(0x1C).build(),
                new Action.SetEncryptionTypes("HV02", 0x1C, true, 0x1C));
        byte[] pdf = render(Fixtures.withFindings(Fixtures.demo(), List.of(rc4, des)), 16);
        String all = text(pdf, 1, 99).replaceAll("\\s+", ""); // the cells wrap anywhere in a long value
        String perObject = all.substring(all.lastIndexOf("Changesperobject"));
        assertTrue(perObject.contains("HV01HVC1AdddelegationtoHV02:cifs/hv02.contoso.comAllowAES:"
                + "msDS-SupportedEncryptionTypes24(AES128-CTS-HMAC-SHA1-96,AES256-CTS-HMAC-SHA1-96)"), perObject);
        assertTrue(perObject.contains("AllowAES:clearUSE_DES_KEY_ONLY(msDS-SupportedEncryptionTypes28stays)"),
                perObject);
    }

    /** Rows for hosts not audited are said with the imports, each file with its hosts' names as written. */
    @Test
    void rowsForHostsNotAuditedAreNamedWithTheHistory() throws Exception {
        String all = text(render(Fixtures.withHostsNotAudited(Fixtures.demo()), 16), 2, 99).replaceAll(" *\n", "\n")
                .replace("imports name\neach", "imports name each"); // the PDF wraps the long sentence there
        int at = all.indexOf("Rows for hosts not audited");
        assertTrue(at > 0 && all.lastIndexOf("Drift, patches and events", at) >= 0, "in the history section: " + all);
        assertTrue(all.substring(at).startsWith("Rows for hosts not audited\n4 rows named no node of a configured"
                + " cluster: read, not used (the Imports sheet of audit.xlsx and findings.json's imports name each host"
                + " at its first line):\npatches/HV14-hostile.csv (patches): 3 rows of =HYPERLINK(\"http://evil\"),"
                + " HV99\nevents/HV14.xml (events): 1 row of =1+1\n"), all.substring(at));
        assertFalse(text(render(Fixtures.withHistory(Fixtures.demo()), 16), 1, 99).contains("Rows for hosts not audited"),
                "every row of an audited host: nothing said");
    }

    @Test
    void inputsNotUsedAreNamedWithTheHistoryNotOnPageOne() throws Exception {
        // a run whose only history data is its import report: the section is there for the files it could not use
        byte[] pdf = render(Fixtures.withInputsNotUsed(Fixtures.demo(), 7), 16);
        String first = text(pdf, 1, 1);
        assertFalse(first.contains("Inputs not used"), "page 1 holds the decision: " + first);
        String all = text(pdf, 2, 99);
        int at = all.indexOf("Inputs not used");
        assertTrue(at > 0 && all.lastIndexOf("Drift, patches and events", at) >= 0, "in the history section: " + all);
        String note = all.substring(at);
        assertTrue(note.startsWith("Inputs not used\nThe run went on without these 7 files (the Imports sheet of"
                + " audit.xlsx and findings.json's imports list every file read):\npatches/<b>notes</b>_*draft*.txt"
                + " (patches): not a patch export: no HotFixID column and no mapping matches its header\n"
                + "events/*.evtx (events): no file matches\nhostsettings/vmhost.csv (hostSettings): empty file: no"
                + " header line\npatches/old-4.csv (patches): empty file: no header line\npatches/old-5.csv (patches):"
                + " empty file: no header line\n… and 2 more\n"), note);
        assertFalse(all.contains("HV01-hotfix.csv"), "a file it read is no input not used");
        assertFalse(text(render(Fixtures.withHistory(Fixtures.demo()), 16), 1, 99).contains("Inputs not used"),
                "every input used: nothing said");
    }

    @Test
    void lowAndInfoFindingsAreListedUpToACapPerRuleAndCountedBeyondIt() throws Exception {
        List<Finding> advisories = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            String host = String.format("HVX%02d", i);
            advisories.add(TestFindings.legacy("PROTOCOL_TRANSITION_MISMATCH", Severity.INFO, "HVC9", host, null, null,
                    host + " delegates with 'Kerberos only'.", "Consider 'Use any authentication protocol'."));
        }
        FindingsDocument doc = Fixtures.withFindings(Fixtures.demo(), advisories);
        long ofRule = doc.findings().stream().filter(x -> x.rule().equals("PROTOCOL_TRANSITION_MISMATCH")).count();
        String all = text(render(doc, ReportsConfig.DEFAULT_PDF_MATRIX_MAX_NODES), 1, 1000);
        assertTrue(all.contains("HVX20 delegates"), "the first rows of the rule are listed");
        assertFalse(all.contains("HVX26 delegates"), "rows beyond the cap are counted, not listed");
        long more = ofRule - PdfReportWriter.ROWS_PER_RULE_LOW_INFO;
        assertTrue(all.replace("\n", " ").contains("… and " + more + " more PROTOCOL_TRANSITION_MISMATCH findings, not"
                + " listed here"), all);
    }

    @Test
    void decisionPageFooterAndSignOff() throws Exception {
        byte[] pdf = render(Fixtures.demo(), ReportsConfig.DEFAULT_PDF_MATRIX_MAX_NODES);
        int pages;
        try (PDDocument d = Loader.loadPDF(pdf)) {
            pages = d.getNumberOfPages();
        }
        String first = text(pdf, 1, 1).replace("\n", " ");
        assertTrue(first.contains("Change decision: delegation for live migration"), first);
        assertTrue(first.contains("Hyper-V hosts of contoso.com"), first);
        assertTrue(first.contains("NO-GO for the patch window: 2 of 2 clusters"), first);
        assertTrue(first.contains("2026-11-26 06:00:01 UTC"), first);
        // a line of its own: it wrapped as "change" / "ticket: ____" or "change ticket:" / "____" after the time
        assertTrue(("\n" + text(pdf, 1, 1)).contains("\nChange ticket: ______________\n"), "a line to fill in: "
                + first);
        assertTrue(first.contains("page 1 of " + pages), "footer with the real page count: " + first);
        assertTrue(first.contains("3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f"), "run id in the footer");
        String all = text(pdf, 1, pages);
        assertTrue(all.contains("Executive summary"));
        // one instant, one format: the header's time is the run time of the details (started 06:00:00.123)
        assertTrue(all.replace("\n", " ").contains("Run time 2026-11-26 06:00:01 UTC (finished; took 1.3 s)"), all);
        assertFalse(all.contains("06:00:00 UTC"), all);
        assertTrue(all.contains("HV02 is not allowed to delegate to cifs/HV03"), "a known finding");
        assertTrue(all.contains("Cluster HVC1"), "matrix of a cluster with problems");
        assertTrue(all.contains("Remediation plan"));
        assertTrue(all.contains("repadmin /syncall dc1.contoso.com /AdeP"), "pushed from the DC the changes went to");
        String signOff = text(pdf, 1, 2);
        for (String field : List.of("Change ticket", "CAB approver", "Validated by", "CAB decision", "Signature")) {
            assertTrue(signOff.contains(field), field + " in the sign-off right after the decision page");
        }
        assertTrue(all.contains("page " + pages + " of " + pages));
    }

    @Test
    void fontsAreEmbeddedAndNonAsciiNamesRender() throws Exception {
        FindingsDocument doc = Fixtures.withFindings(Fixtures.demo(), List.of(
                Fixtures.missing("HV01", "ŽÜRICH-HV", "cifs/ŽÜRICH-HV")));
        byte[] pdf = render(doc, 16);
        assertTrue(text(pdf, 1, 99).contains("cifs/ŽÜRICH-HV"));
        try (PDDocument d = Loader.loadPDF(pdf)) {
            List<String> fonts = new ArrayList<>();
            for (PDPage page : d.getPages()) {
                for (COSName name : page.getResources().getFontNames()) {
                    PDFont f = page.getResources().getFont(name);
                    fonts.add(f.getName());
                    assertTrue(f.isEmbedded(), f.getName() + " embedded");
                }
            }
            assertFalse(fonts.isEmpty());
            assertTrue(fonts.stream().allMatch(n -> n.contains("DejaVuSans")), fonts.toString());
        }
    }

    /** The sign-off's "test moves at 100 %" wrapped between the number and its sign: "100" at a line's end, "%" alone. */
    @Test
    void theSignOffKeepsAPercentWithItsNumber() throws Exception {
        String signOff = text(render(Fixtures.demo(), 16), 1, 2);
        signOff = signOff.substring(signOff.indexOf("Validated by"));
        assertTrue(signOff.replaceAll("\\s+", " ").startsWith("Validated by (after the change: test moves at"),
                signOff);
        assertFalse(signOff.matches("(?s).*100\\s*\\R\\s*%.*"), signOff);
    }

    @Test
    void largeClusterMatrixShowsOnlyFailingHosts() throws Exception {
        // With a threshold of 2, both demo clusters are "large": only hosts of failing pairs are drawn.
        String all = text(render(Fixtures.demo(), 2), 1, 99).replace("\n", " ");
        assertTrue(all.contains("only the 3 source hosts and 3 destination hosts of failing pairs"), "HVC1: " + all);
    }

    @Test
    void waivedFindingsAreMarkedAndCountsSaySo() throws Exception {
        String all = text(render(Fixtures.waivedHv02ToHv03(), 16), 1, 99).replaceAll("\\s+", " ");
        long high = Fixtures.demo().findings().stream().filter(f -> f.severity() == Severity.HIGH).count();
        assertTrue(all.contains(high + " findings (4 waived)"), all);
        assertTrue(all.contains("Waived until 2035-12-31: HV03 is being rebuilt, CHG0042"), all);
        assertTrue(all.contains("not counting 4 waived"), "the summary says its counts leave them out: " + all);
        assertTrue(all.contains("+4 waived"), "the HIGH tile: " + all);
    }

    @Test
    void ruleIdsBreakOnlyAtUnderscores() throws Exception {
        List<Finding> one = new ArrayList<>();
        Set<String> ids = RuleCatalogue.standard().rules().stream().map(r -> r.info().id()).collect(Collectors.toSet());
        for (String id : ids) {
            one.add(TestFindings.legacy(id, Severity.HIGH, "HVC1", "HV01", null, null, "Message.", "Fix."));
        }
        byte[] pdf = render(Fixtures.withFindings(Fixtures.demo(), one), 16);
        List<String> seen = new ArrayList<>();
        try (PDDocument d = Loader.loadPDF(pdf)) {
            for (PDPage page : d.getPages()) {
                org.apache.pdfbox.text.PDFTextStripperByArea s = new org.apache.pdfbox.text.PDFTextStripperByArea();
                s.addRegion("rule", new Rectangle2D.Float(40, 0, 100, page.getMediaBox().getHeight()));
                s.extractRegions(page);
                List<String> lines = List.of(s.getTextForRegion("rule").split("\\R"));
                if (!lines.stream().map(String::strip).toList().contains("Rule")) {
                    continue;
                }
                StringBuilder id = new StringBuilder();
                for (String l : lines) {
                    if (l.strip().matches("[A-Z][A-Z_]*")) {
                        id.append(l.strip());
                        if (!l.strip().endsWith("_")) {
                            seen.add(id.toString());
                            id.setLength(0);
                        }
                    }
                }
            }
        }
        assertFalse(seen.isEmpty());
        for (String s : seen) {
            assertTrue(ids.contains(s), "rule id broken inside a word: " + s + " in " + seen);
        }
        assertTrue(seen.containsAll(ids), seen.toString());
    }

    @Test
    void timesToTheSecondInUtc() throws Exception {
        String all = text(render(Fixtures.withHistory(Fixtures.demo()), 16), 1, 99);
        assertTrue(all.contains("2026-11-26 22:22:17 UTC"), all);
        assertTrue(all.contains("2026-11-26 22:22:17 UTC HV02 -> HV03"), "event time on one line: " + all);
        assertFalse(all.contains("22:22:17.598"), all);
        // the baseline file (and its digest) follow the count
        assertTrue(all.contains("1 host; file"), "baseline host count in the singular: " + all);
    }

    @Test
    void eventsOfADomainControllerNameTheirAccountAndServiceAndTabsAreWhiteSpace() throws Exception {
        FindingsDocument h = Fixtures.withHistory(Fixtures.demo());
        java.time.Instant at = java.time.Instant.parse("2026-11-18T02:14:08Z");
        List<HistorySections.EventDoc> events = new ArrayList<>(h.events());
        events.add(new HistorySections.EventDoc("DC1", 209, at, null, null, "KDC_NO_AES_KEYS", null,
                "The KDC blocked cipher usage.\r\n\r\nAccount Information\r\n\tAccount Name:\tHV12$\n\t\tRealm:"
                        + " CONTOSO.COM\nService Name: HV13$\u0007\u202E", "dc1.xml:1", "HV12$", "HV13$"));
        events.add(new HistorySections.EventDoc("DC1", 201, at, null, null, "KDC", null, "Nothing named.",
                "dc1.xml:2"));
        String all = text(render(h.withHistory(new HistorySections.Sections(h.history(), h.baseline(), h.patches(),
                events, h.imports())), 16), 1, 99);
        assertFalse(all.contains("null ->"), all);
        // a KDC event is no migration failure: its own table, the DC that logged it, computers' names without "$"
        assertTrue(all.contains("KDC events on the domain controllers"), all);
        assertTrue(all.contains("2026-11-18 02:14:08 UTC DC1 HV12 -> HV13"), "the account and the service: " + all);
        assertTrue(all.contains("2026-11-18 02:14:08 UTC DC1 – 201 KDC"), "a dash where the event names nothing: " + all);
        assertFalse(all.contains("\\u0009"), "a tab is white space: " + all);
        assertFalse(all.contains("\\u000D"), "CR LF is a line break: " + all);
        assertTrue(all.replace('\u00A0', ' ').matches("(?s).*\nAccount Information\n +Account Name: HV12\\$\n +Realm:"
                + " CONTOSO.COM\n.*"), "the lines of the message, indented as in Windows: " + all);
        assertTrue(all.contains("HV13$\\u0007\\u202E"), "other control characters stay visible: " + all);
    }

    @Test
    void aDecisionShowsTheCommandsItsProposalWouldRunAsTheRunbookDoes() throws Exception {
        FindingsDocument doc = Fixtures.demo();
        List<String> commands = ReportView.of(doc).procedure().steps(Procedure.Phase.DECIDE).stream()
                .flatMap(s -> s.commands().stream()).toList();
        assertFalse(commands.isEmpty(), "NAS01's AES_NOT_ENABLED proposes to allow AES");
        String all = text(render(doc, 16), 1, 99).replace("\n", " ");
        for (String c : commands) {
            assertTrue(all.contains("If so: " + c), c + " in " + all);
        }
        assertTrue(all.contains("then allow AES on its account: If so: Set-ADComputer -Identity 'NAS01$' -Replace"
                + " @{'msDS-SupportedEncryptionTypes'=24} -Server 'dc1.contoso.com'"), all);
    }

    /**
     * A decision's row tells the finding from the question, as the runbooks' "To decide:" does: the question followed
     * the message on the next line unmarked, where "It follows from waived findings, …" read as more of the finding.
     */
    @Test
    void aDecisionsQuestionIsLabelledAsInTheRunbooks() throws Exception {
        String all = text(render(Fixtures.demo(), 16), 1, 99).replace("\n", " ");
        assertTrue(all.contains("it still gets RC4 tickets where RC4 is allowed). To decide: Check that NAS01's keytab"
                + " holds AES keys"),
                all);
    }

    @Test
    void decisionPageVerdictAndHeadlineAgree() throws Exception {
        FindingsDocument.Summary sum = new FindingsDocument.Summary(3, 1, 6, 24, 24, 100.0, Map.of("LOW", 1, "INFO", 1));
        FindingsDocument.ClusterDoc c = new FindingsDocument.ClusterDoc("HVC1", List.of("HV01", "HV02", "HV03"),
                List.of(), List.of(), 6, 6, 24, 24, 100.0, Map.of("LOW", 1, "INFO", 1), null, null, List.of());
        FindingsDocument doc = new FindingsDocument(1, "r", null, null, null, sum, null, List.of(c), List.of(),
                List.of(TestFindings.legacy("PATCH_LEVEL_SKEW", Severity.LOW, "HVC1", "HV01", null, null, "Skew.", "Patch."),
                        TestFindings.legacy("PATCH_DATA_MISSING", Severity.INFO, "HVC1", "HV02", null, null, "None.", "Import.")), null);
        byte[] pdf = render(doc, 16);
        String first = text(pdf, 1, 1).replace("\n", " ");
        assertTrue(first.contains("GO for the patch window: HVC1"), first);
        assertFalse(first.contains("NO-GO for the patch window"), first);
        assertTrue(first.contains("No cluster is NO-GO, but 1 of 1 cluster has findings to clean up;"), first);
        assertTrue(text(pdf, 1, 3).contains("3 Hyper-V hosts in 1 cluster,"));
        assertFalse(text(pdf, 1, 3).contains("0 directed host pairs"));
    }

    /**
     * The timeline's time is when a run saw the change, not when it was made (the change's own time, from the
     * replication metadata, is in its text: "changed 2026-11-24 16:41:07 UTC at DC2"); a column "When" beside it
     * told the reader the change was made at the run's time.
     */
    @Test
    void theTimelineSaysItsTimeIsTheRunThatSawTheChange() throws Exception {
        FindingsDocument doc = Fixtures.withHistory(Fixtures.demo());
        assertFalse(doc.history().timeline().isEmpty());
        byte[] pdf = render(doc, 16);
        String all = text(pdf, 1, 99);
        assertTrue(all.contains("Seen by run (UTC)"), all);
        assertFalse(all.contains("When (UTC)"), all);
    }

    @Test
    void noPageEndsWithATableHeading() throws Exception {
        Set<String> headings = Set.of("Drift", "Timeline of changes", "Waivers", "Kerberos hardening per node",
                "Observed migration failures");
        FindingsDocument h = Fixtures.withHistory(Fixtures.demo());
        // a domain controller's event whose message has many lines: its first row is tall
        List<HistorySections.EventDoc> events = List.of(new HistorySections.EventDoc("DC1", 209, h.events().get(0)
                .timeCreated(), null, null, "KDC_NO_AES_KEYS", null, "The KDC blocked cipher usage.\n"
                + "\tLine\n".repeat(16), "dc1.xml:1", "HV12$", "HV13$"));
        FindingsDocument base = h.withHistory(new HistorySections.Sections(h.history(), h.baseline(), h.patches(),
                events, h.imports()));
        List<HistorySections.HostPatchesDoc> hosts = new ArrayList<>();
        for (int n = 0; n < 48; n++) {
            // Each host row moves the heading below the table down a little, at some point to the foot of a page.
            hosts.add(new HistorySections.HostPatchesDoc("HV" + n, "HVC1", 0, null, List.of(), List.of()));
            FindingsDocument doc = base.withHistory(new HistorySections.Sections(base.history(), base.baseline(),
                    new HistorySections.PatchesDoc(List.of(), hosts), base.events(), base.imports()));
            try (PDDocument d = Loader.loadPDF(render(doc, 16))) {
                for (int p = 1; p <= d.getNumberOfPages(); p++) {
                    PDFTextStripper top = new PDFTextStripper();
                    top.setSortByPosition(true);
                    top.setStartPage(p);
                    top.setEndPage(p);
                    List<String> lines = List.of(top.getText(d).strip().split("\\R"));
                    int footer = lines.indexOf(lines.stream().filter(l -> l.startsWith("kcd-audit · run")).findFirst()
                            .orElseThrow());
                    // sorted by position, PDFBox may part a heading's first letter from the rest ("O bserved")
                    String last = footer < 1 ? "" : lines.get(footer - 1).replace(" ", "");
                    assertFalse(headings.stream().map(x -> x.replace(" ", "")).anyMatch(last::equals), "page " + p
                            + " ends with the heading " + last + " (" + (n + 1) + " hosts)");
                }
            }
        }
    }

    /** A node without hardening, or without install dates, says so in words as the other tables do, not with "-". */
    @Test
    void aNodeWithoutHardeningOrDatesSaysNoneInsteadOfAHyphen() throws Exception {
        FindingsDocument h = Fixtures.withHistory(Fixtures.demo());
        List<HistorySections.HostPatchesDoc> hosts = List.of(new HistorySections.HostPatchesDoc("HV03", "HVC1", 2,
                java.time.LocalDate.of(2022, 9, 13), List.of(), List.of("KB5011503")),
                new HistorySections.HostPatchesDoc("HV02", "HVC1", 1, null, List.of(), List.of("KB5011503")));
        FindingsDocument doc = h.withHistory(new HistorySections.Sections(h.history(), h.baseline(),
                new HistorySections.PatchesDoc(List.of(), hosts), h.events(), h.imports()));
        String all = text(render(doc, 16), 1, 99).replaceAll("\\s+", " ");
        assertTrue(all.contains("HV03 HVC1 2022-09-13 none HV02 HVC1 no install date none"), all);
    }

    /** The page's lines in reading order, down to the line before the footer. */
    private static List<String> linesAboveFooter(PDDocument d, int page) throws Exception {
        PDFTextStripper s = new PDFTextStripper();
        s.setSortByPosition(true);
        s.setStartPage(page);
        s.setEndPage(page);
        List<String> lines = List.of(s.getText(d).strip().split("\\R"));
        int footer = lines.indexOf(lines.stream().filter(l -> l.startsWith("kcd-audit · run")).findFirst().orElseThrow());
        return lines.subList(0, footer);
    }

    @Test
    void theSeverityTilesKeepTheirCountsOnTheirPage() throws Exception {
        // without findings the executive summary is short: its tiles stand on page 2, above the page's foot until the
        // executive summary has grown by enough lines (the sign-off, which once stood above it there, fits on page 1)
        FindingsDocument demo = Fixtures.demo().withFindings(List.of());
        boolean seenAtFoot = false;
        for (int n = 0; n < 80; n++) {
            // a longer directory URL adds a line to the executive summary, moving the tiles down to the page's foot
            try (PDDocument d = Loader.loadPDF(render(longerUrl(demo, n), 16))) {
                for (int p = 1; p <= d.getNumberOfPages(); p++) {
                    List<String> lines = linesAboveFooter(d, p);
                    int at = lines.indexOf("HIGH MEDIUM LOW INFO");
                    if (at < 0) {
                        continue;
                    }
                    seenAtFoot |= at >= lines.size() - 3;
                    assertTrue(at + 1 < lines.size() && lines.get(at + 1).matches("\\d+ \\d+ \\d+ \\d+"),
                            "page " + p + " shows the severity labels without their counts (" + n + "): " + lines);
                }
            }
        }
        assertTrue(seenAtFoot, "some layout put the tiles at the foot of a page");
    }

    /** {@code doc} read from a directory URL {@code n} × 40 characters longer: its executive summary grows a line. */
    private static FindingsDocument longerUrl(FindingsDocument doc, int n) {
        return new FindingsDocument(doc.schemaVersion(), doc.runId(), doc.startedAt(), doc.finishedAt(),
                new FindingsDocument.Directory(doc.directory().url() + "/" + "x".repeat(n * 40),
                        doc.directory().baseDn(), doc.directory().dc(), doc.directory().aesKeysSince()), doc.summary(),
                doc.policy(), doc.clusters(), doc.hosts(), doc.findings(), doc.rules());
    }

    @Test
    void theComplianceHeadingIsNeverLeftAtAPageFootWithoutItsTable() throws Exception {
        // without findings (a GO run) the executive summary is short, and the heading below it nears the page's foot
        FindingsDocument demo = Fixtures.demo().withFindings(List.of());
        for (int n = 0; n < 40; n++) {
            try (PDDocument d = Loader.loadPDF(render(longerUrl(demo, n), 16))) {
                for (int p = 1; p <= d.getNumberOfPages(); p++) {
                    List<String> lines = linesAboveFooter(d, p);
                    int at = lines.indexOf("Compliance per cluster");
                    assertTrue(at < 0 || at + 1 < lines.size() && lines.get(at + 1).startsWith("Cluster Nodes"),
                            "page " + p + " ends with the heading Compliance per cluster (" + n + "): " + lines);
                }
            }
        }
    }

    @Test
    void aRuleTitleRowIsNeverLeftAtAPageFootWithoutItsFirstFinding() throws Exception {
        FindingsDocument demo = Fixtures.demo();
        for (int n = 0; n < 24; n++) {
            // each extra finding of the first HIGH rule moves the rules after it down by one row
            List<Finding> extra = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                String host = String.format("HVX%02d", i);
                extra.add(TestFindings.legacy("MIGRATION_FAILURE_OBSERVED", Severity.HIGH, "HVC1", host, "HV01", null,
                        "1 failed migration event " + host + " -> HV01.", "Check the network between the hosts."));
            }
            FindingsDocument doc = Fixtures.withFindings(demo, extra);
            ReportView view = ReportView.of(doc);
            Set<String> titles = view.findings().stream().map(x -> x.rule().title() + ".").collect(Collectors.toSet());
            try (PDDocument d = Loader.loadPDF(render(doc, 16))) {
                for (int p = 1; p <= d.getNumberOfPages(); p++) {
                    List<String> lines = linesAboveFooter(d, p);
                    for (int k = lines.size() - 1; k >= 0; k--) {
                        String line = lines.get(k);
                        if (titles.stream().anyMatch(line::startsWith)) {
                            // below the title and its reason, the first finding's row names its host and cluster
                            assertTrue(lines.subList(k + 1, lines.size()).stream().anyMatch(l -> l.contains("HV")),
                                    "page " + p + " ends with the title row " + line + " (" + n + " extra)");
                            break;
                        }
                    }
                }
            }
        }
    }

    @Test
    void withoutABaselineTheHistorySectionStillNamesThePreviousRunAndItsNewAndResolvedFindings() throws Exception {
        // the console says "Against run …: 0 new, 0 resolved findings"; the PDF said only "No documented baseline"
        FindingsDocument h = Fixtures.withHistory(Fixtures.demo());
        FindingsDocument doc = h.withHistory(new HistorySections.Sections(h.history(), null, h.patches(), h.events(),
                h.imports()));
        String all = text(render(doc, 16), 1, 99).replace("\n", " ");
        assertTrue(all.contains("No documented baseline: capture one with 'kcd-audit baseline capture'. Compared with"
                + " run 6e454dae: 0 new, 0 resolved findings."), all);
    }

    /** A clean run: every cluster GO, no finding, a previous run but no baseline, no change. */
    static FindingsDocument clean() {
        FindingsDocument.Summary sum = new FindingsDocument.Summary(3, 1, 6, 24, 24, 100.0, Map.of());
        FindingsDocument.ClusterDoc c = new FindingsDocument.ClusterDoc("HVC1", List.of("HV01", "HV02", "HV03"),
                List.of(), List.of(), 6, 6, 24, 24, 100.0, Map.of(), true, List.of(), List.of(), null, null);
        FindingsDocument doc = new FindingsDocument(1, "r", null, null, null, sum, null, List.of(c), List.of(),
                List.of(), null);
        return doc.withHistory(new HistorySections.Sections(new HistorySections.HistoryDoc("6e454dae-1f2e",
                java.time.Instant.parse("2026-11-26T22:22:17Z"), List.of(), List.of(), List.of()), null, null, null,
                null));
    }

    /** With nothing scripted but a decision whose yes is a directory change, the plan does not say none is needed. */
    @Test
    void aDecisionWhoseYesChangesTheDirectoryIsNotNoChangeNeeded() throws Exception {
        FindingsDocument doc = Fixtures.decisionsOnly();
        String all = text(render(doc, 16), 2, 99).replace("\n", " ");
        assertFalse(all.contains("No change to Active Directory is needed."), all);
        assertTrue(all.contains("No scripted change to Active Directory. A yes to a decision below is one: replicate it"
                + " (repadmin /syncall dc1.contoso.com /AdeP) and purge the hosts' tickets (klist -li 0x3e7 purge)"
                + " after it."), all);
    }

    @Test
    void aSectionThatOnlySaysThereIsNothingDoesNotStartAPageOfItsOwn() throws Exception {
        byte[] pdf = render(clean(), 16);
        int pages;
        try (PDDocument d = Loader.loadPDF(pdf)) {
            pages = d.getNumberOfPages();
        }
        String last = text(pdf, pages, pages);
        // "No findings.", "No documented baseline…" and "No change … needed" each stood alone on a page
        for (String s : List.of("Findings by severity", "No findings.", "Drift, patches and events",
                "No documented baseline", "Remediation plan", "No change to Active Directory is needed.")) {
            assertTrue(last.contains(s), s + " on the last page " + pages + ": " + last);
        }
        assertTrue(last.contains("Compliance per cluster"), "after the section before them: " + last);
    }

    /** "6 of 9 clusters need attention" stood beside "NO-GO: 4 of 9 clusters": it counted GO clusters with findings too. */
    @Test
    void theHeadlineCountsTheClustersNoGoAndThoseWithFindingsApart() throws Exception {
        FindingsDocument.Summary sum = new FindingsDocument.Summary(9, 3, 18, 72, 68, 94.4, Map.of("HIGH", 1, "LOW", 1));
        FindingsDocument.ClusterDoc bad = new FindingsDocument.ClusterDoc("HVC1", List.of("HV01", "HV02", "HV03"),
                List.of(), List.of(), 6, 6, 24, 20, 83.3, Map.of("HIGH", 1), false, List.of(), List.of(), null, null);
        FindingsDocument.ClusterDoc low = new FindingsDocument.ClusterDoc("HVC2", List.of("HV11", "HV12", "HV13"),
                List.of(), List.of(), 6, 6, 24, 24, 100.0, Map.of("LOW", 1), true, List.of(), List.of(), null, null);
        FindingsDocument.ClusterDoc ok = new FindingsDocument.ClusterDoc("HVC3", List.of("HV21", "HV22", "HV23"),
                List.of(), List.of(), 6, 6, 24, 24, 100.0, Map.of(), true, List.of(), List.of(), null, null);
        FindingsDocument doc = new FindingsDocument(1, "r", null, null, null, sum, null, List.of(bad, low, ok), List.of(),
                List.of(TestFindings.legacy("CLUSTER_EMPTY", Severity.HIGH, "HVC1", "HV01", null, null, "Gone.", "Fix."),
                        TestFindings.legacy("PATCH_LEVEL_SKEW", Severity.LOW, "HVC2", "HV11", null, null, "Skew.",
                                "Patch.")), null);
        ReportView view = ReportView.of(doc);
        assertTrue(view.headline().startsWith("1 of 3 clusters is NO-GO; 1 more has findings to clean up;"),
                view.headline());
        String first = text(render(doc, 16), 1, 1).replace("\n", " ");
        assertTrue(first.contains("1 of 3 clusters is NO-GO; 1 more has findings to clean up;"), first);
        assertFalse(first.contains("attention"), first);
        // a GO cluster whose only failing pair is waived has nothing open to clean up: it is named for that pair
        FindingsDocument.ClusterDoc waived = new FindingsDocument.ClusterDoc("HVC3", List.of("HV21", "HV22", "HV23"),
                List.of(), List.of(), 6, 5, 24, 23, 95.8, Map.of(), true, List.of(), List.of(), null, null);
        FindingsDocument withWaived = new FindingsDocument(1, "r", null, null, null, sum, null,
                List.of(bad, low, waived), List.of(), doc.findings(), null);
        assertTrue(ReportView.of(withWaived).headline().startsWith("1 of 3 clusters is NO-GO; 1 more has findings to"
                + " clean up; 1 more has a pair that fails under a waiver;"), ReportView.of(withWaived).headline());
    }

    /**
     * The severity headings of the findings say what their rules have in common: MEDIUM holds a node with live
     * migration disabled (its moves fail) beside policy and baseline deviations; LOW holds checks (a file server's
     * encryption types), patch skew and waivers to review beside stale entries.
     */
    @Test
    void theSeverityHeadingsFitTheRulesUnderThem() throws Exception {
        String all = text(render(Fixtures.demo(), 16), 1, 99).replaceAll("\\s+", " ");
        assertTrue(all.contains(" – deviates from the policy or the baseline, or fails some moves"), all);
        assertTrue(all.contains(" – to review: clean-up, checks and drift"), all);
        assertFalse(all.contains("deviates from the delegation policy") || all.contains("stale or superfluous"), all);
    }

    /**
     * A bullet of the executive summary is not cut at a page's foot: the demo's "If not approved" started two lines
     * above the foot of page 2 and ended on page 3, once the proposed change named the steps on the hosts.
     */
    @Test
    void noBulletOfTheExecutiveSummaryIsCutAtAPageFoot() throws Exception {
        List<Finding> onHosts = List.of(
                TestFindings.of("MIGRATION_AUTH_NOT_KERBEROS", Severity.HIGH, "HVC1", "HV02", null, null, "HV02"
                        + " authenticates live migrations with CredSSP.", org.kcdauditor.model.Evidence.builder().build(),
                        new org.kcdauditor.remedy.Action.SetMigrationAuthentication("HV02")),
                TestFindings.of("MIGRATION_DISABLED", Severity.MEDIUM, "HVC2", "HV13", null, null, "Live migration is"
                        + " disabled on HV13.", org.kcdauditor.model.Evidence.builder().build(),
                        new org.kcdauditor.remedy.Action.EnableMigration("HV13")));
        List<FindingsDocument> docs = List.of(Fixtures.demo(), Fixtures.waivedHv02ToHv03(),
                Fixtures.withFindings(Fixtures.demo(), onHosts), Fixtures.withFindings(Fixtures.waivedHv02ToHv03(), onHosts),
                DecisionPageTest.withTrend(Fixtures.withFindings(Fixtures.waivedHv02ToHv03(), onHosts), 3),
                DecisionPageTest.withTrend(Fixtures.withFindings(Fixtures.demo(), onHosts), 3),
                DecisionPageTest.withTrend(Fixtures.waivedHv02ToHv03(), 3));
        for (FindingsDocument doc : docs) {
            byte[] pdf = render(doc, 16);
            try (PDDocument d = Loader.loadPDF(pdf)) {
                for (int p = 2; p <= 4; p++) {
                    PDFTextStripper st = new PDFTextStripper();
                    st.setSortByPosition(true);
                    st.setStartPage(p);
                    st.setEndPage(p);
                    List<String> lines = st.getText(d).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
                    int foot = lines.size() - 1;
                    while (foot > 0 && !lines.get(foot).startsWith("kcd-audit · run")) {
                        foot--;
                    }
                    int bullet = foot;
                    while (bullet > 0 && !lines.get(bullet).startsWith("•")) {
                        bullet--;
                    }
                    if (bullet > 0 && foot - bullet <= 8) {
                        // the page's last element is a bullet: it ends on this page, with its full stop
                        String last = lines.get(foot - 1);
                        assertTrue(last.endsWith(".") || last.endsWith(")"), "page " + p + " ends inside a bullet: "
                                + String.join(" ", lines.subList(bullet, foot)));
                    }
                }
            }
        }
    }

    /**
     * "If not approved" counts the directions that fail either way as waived and needing a decision, each only where
     * there are some: with NAS01's AES_NOT_ENABLED waived too, all four the change leaves failing are waived, and the
     * summary said "4 waived, the rest need a decision" of a rest of none.
     */
    @Test
    void theDirectionsThatFailEitherWayAreCountedByWhatKeepsThemFailing() throws Exception {
        FindingsDocument d = Fixtures.waivedHv02ToHv03();
        String mixed = text(render(d, 16), 2, 3).replaceAll("\\s+", " ");
        assertTrue(mixed.contains("(the other 4 of the 15 fail either way: 1 waived, 3 need a decision)"), mixed);
        FindingsDocument allWaived = d.withFindings(d.findings().stream().map(f -> f.rule().equals("AES_NOT_ENABLED")
                && f.host().equals("NAS01") ? f.withWaiver(new Finding.Waiver("NetApp RC4 only until ONTAP 9.14,"
                + " CHG0060", java.time.LocalDate.of(2027, 3, 31))) : f).toList());
        String text = text(render(allWaived, 16), 2, 3).replaceAll("\\s+", " ");
        assertTrue(text.contains("(the other 4 of the 15 fail either way: 4 waived);"), text);
        assertFalse(text.contains("need a decision)"), text);
    }

    /**
     * The lines of a table cell stand apart: at a leading of the font size, the underscores of a rule name touched the
     * capitals of the line below (page 1's blockers, "MIGRATION_AUTH_NOT_KERBEROS" over "MISSING_DELEGATION").
     */
    @Test
    void theLinesOfATableCellDoNotTouch() throws Exception {
        List<float[]> starts = new ArrayList<>(); // x, y and font size of each text run
        float[] upper = new float[3];
        try (PDDocument d = Loader.loadPDF(render(Fixtures.demo(), 16))) {
            PDFTextStripper s = new PDFTextStripper() {
                @Override
                protected void writeString(String text, List<org.apache.pdfbox.text.TextPosition> p) {
                    float[] at = {p.get(0).getXDirAdj(), p.get(0).getYDirAdj(), p.get(0).getFontSize()};
                    starts.add(at);
                    if (text.strip().equals("An account a migration needs has no AES keys (6)")) {
                        System.arraycopy(at, 0, upper, 0, 3);
                    }
                }
            };
            s.setStartPage(1);
            s.setEndPage(1);
            s.getText(d);
        }
        assertTrue(upper[2] > 0, "HVC2's blockers on page 1");
        // the next line of the cell: the nearest run below that starts where it does
        float next = (float) starts.stream().filter(a -> Math.abs(a[0] - upper[0]) < 0.5f && a[1] > upper[1] + 0.1f)
                .mapToDouble(a -> a[1]).min().orElseThrow();
        float leading = next - upper[1];
        assertTrue(leading >= 1.12f * upper[2], "lines " + leading + " pt apart in a " + upper[2] + " pt font");
    }

    /**
     * A host that gains delegation to 29 peers has a row of 29 lines under "Changes per object": the row did not fit
     * below the heading, so the heading stood alone at the foot of a page, two thirds of it empty, and the table began
     * on the next. The row now starts under its heading and continues on the next page.
     */
    @Test
    void theChangesPerObjectHeadingStaysWithItsFirstRow(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        byte[] pdf = DecisionPageTest.newNodeOfThirty(tmp);
        int pages;
        try (PDDocument d = Loader.loadPDF(pdf)) {
            pages = d.getNumberOfPages();
        }
        int found = 0;
        for (int p = 2; p <= pages; p++) {
            List<String> lines = List.of(text(pdf, p, p).split("\n"));
            int heading = lines.indexOf("Changes per object");
            if (heading >= 0) {
                found++;
                String page = String.join(" ", lines);
                assertTrue(page.contains("HVN30") && page.contains("Add delegation to HVN01:"),
                        "page " + p + " holds the heading's first row: " + page);
            }
        }
        assertTrue(found == 1, "the heading once: " + found);
    }
    /**
     * A findings.json without a cluster (re-rendered with {@code report --from}: the config needs one, the document
     * does not): "Compliance per cluster" says there is none, as page 1 does, not "All 0 clusters have status OK and every pair
     * OK", which the sentence for many clusters all OK read for none.
     */
    @Test
    void noClusterIsNotSaidToBeAllOk() throws Exception {
        FindingsDocument demo = Fixtures.demo();
        FindingsDocument none = new FindingsDocument(demo.schemaVersion(), demo.runId(), demo.startedAt(),
                demo.finishedAt(), demo.directory(), demo.summary(), demo.policy(), List.of(), List.of(), List.of(),
                null);
        String all = text(render(none, 16), 1, 99).replace("\n", " ");
        assertFalse(all.contains("All 0 clusters"), all);
        assertTrue(all.contains("Compliance per cluster No cluster in this run."), all);
    }

    /**
     * A cluster wider than a matrix table is drawn in tables of even width, each naming its cluster and destinations on
     * every page it is on: a 16-node cluster printed 14 columns, then 2 in a table of their own, whose last row spilled
     * onto the next page under a header that named neither the cluster nor the columns' place among its destinations.
     * 64 destinations are five tables of 13, 13, 13, 13 and 12; each lists every source row.
     */
    @Test
    void aWideMatrixIsSplitEvenlyAndEachTableNamesItsClusterOnEveryPage() throws Exception {
        FindingsDocument d = Fixtures.demo();
        for (int size : List.of(16, 64)) {
            FindingsDocument wide = new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                    d.directory(), d.summary(), d.policy(), Fixtures.failingClusters(d, 1, size), d.hosts(),
                    d.findings(), null);
            byte[] pdf = render(wide, 16);
            String all = text(pdf, 1, 999);
            String matrix = all.substring(all.indexOf("Delegation matrices of the clusters with problems"),
                    all.indexOf("Findings by severity"));
            List<String> blocks = new ArrayList<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("Cluster C00: destinations (\\d+)–(\\d+) of "
                    + size + "\n").matcher(matrix);
            while (m.find()) {
                String block = m.group(1) + "–" + m.group(2);
                if (!blocks.contains(block)) {
                    blocks.add(block);
                }
            }
            assertTrue(blocks.equals(size == 16 ? List.of("1–8", "9–16") : List.of("1–13", "14–26", "27–39", "40–52",
                    "53–64")), size + " nodes: " + blocks);
            // the row header: each table has a row for each source, the last one among them
            String last = String.format("HV00%03d", size);
            assertTrue(java.util.regex.Pattern.compile("\n" + last + "( 4/4 P)+\n").matcher(matrix).results()
                    .count() == blocks.size(), size + " nodes: the last source in each table: " + matrix);
            java.util.regex.Pattern row = java.util.regex.Pattern.compile("(?m)^HV00\\d{3}( 4/4 P)+$");
            try (PDDocument doc = Loader.loadPDF(pdf)) {
                for (int p = 1; p <= doc.getNumberOfPages(); p++) {
                    String page = text(pdf, p, p);
                    if (row.matcher(page).find()) {
                        assertTrue(page.contains("Cluster C00: destinations "), size + " nodes: page " + p
                                + " draws matrix rows without naming their cluster: " + page);
                    }
                }
            }
        }
    }

    /**
     * A cluster over {@code matrixMaxNodes} is cut down to its failing pairs; where none goes into the nodes of its
     * migration group's other cluster (policy.migrationGroups), that cluster's columns are all left out. An empty table
     * was drawn for them all the same, captioned "Cluster C00: into nodes of C01 (policy.migrationGroups),
     * destinations 18–17 of 17", its 17 source rows without a cell.
     */
    @Test
    void aGroupPeerWithNoFailingPairIsNotDrawnAsAnEmptyTable() throws Exception {
        FindingsDocument d = Fixtures.demo();
        FindingsDocument.ClusterDoc c00 = Fixtures.failingClusters(d, 1, 17).get(0);
        List<String> peers = List.of("HV01001", "HV01002");
        List<FindingsDocument.PairDoc> matrix = new ArrayList<>(c00.matrix());
        for (String from : c00.nodes()) {
            for (String to : peers) {
                matrix.add(new FindingsDocument.PairDoc(from, to, 4, 4, true, List.of(), List.of(), List.of(), false,
                        false));
            }
        }
        int pairs = c00.pairs() + matrix.size() - c00.matrix().size();
        FindingsDocument.ClusterDoc grouped = new FindingsDocument.ClusterDoc(c00.name(), c00.nodes(), List.of(),
                List.of(), pairs, 0, 4 * pairs, 4 * pairs, 100.0, c00.bySeverity(), false, List.of(), matrix);
        FindingsDocument.ClusterDoc c01 = new FindingsDocument.ClusterDoc("C01", peers, List.of(), List.of(), 0, 0, 0,
                0, 100.0, c00.bySeverity(), false, List.of(), List.of());
        FindingsDocument doc = new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), d.summary(), d.policy(), List.of(grouped, c01), d.hosts(), d.findings(), null);
        String all = text(render(doc, 16), 1, 999).replace("\n", " ");
        String matrices = all.substring(all.indexOf("Delegation matrices of the clusters with problems"),
                all.indexOf("Findings by severity"));
        assertTrue(matrices.contains("Its nodes also migrate to 2 nodes of C01"), matrices);
        assertTrue(matrices.contains("Cluster C00: destinations 1–9 of 17")
                && matrices.contains("Cluster C00: destinations 10–17 of 17"), matrices);
        assertFalse(matrices.contains("into nodes of C01"), matrices);
    }
}
