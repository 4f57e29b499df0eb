package org.kcdauditor.rules;

import org.junit.jupiter.api.Test;
import org.kcdauditor.audit.AuditInputs;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.PreviousRun;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.inventory.HardeningCatalogue;
import org.kcdauditor.inventory.HardeningCatalogueFile;
import org.kcdauditor.inventory.HardeningUpdate;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.AttributeChange;
import org.kcdauditor.model.EventClassification;
import org.kcdauditor.model.EventRecord;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.PatchRecord;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.model.Uac;
import org.kcdauditor.remedy.Action;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.history.HistoryTestData.PT;
import static org.kcdauditor.history.HistoryTestData.cluster;
import static org.kcdauditor.history.HistoryTestData.entriesTo;
import static org.kcdauditor.history.HistoryTestData.host;
import static org.kcdauditor.history.HistoryTestData.mesh;
import static org.kcdauditor.history.HistoryTestData.replace;
import static org.kcdauditor.history.HistoryTestData.snapshot;

class HistoryRulesTest {
    private static final Instant NOW = Instant.parse("2026-11-20T06:00:00Z");
    private static final HardeningCatalogue CATALOGUE = new HardeningCatalogue(List.of(
            new HardeningUpdate("KB5020805", "CVE-2022-37967", "PAC signatures", LocalDate.of(2022, 11, 8),
                    "2023-10-10", "PAC signatures", List.of("KB5019966", "KB5019081")),
            new HardeningUpdate("KB5008380", "CVE-2021-42287", "PAC requestor", LocalDate.of(2021, 11, 9),
                    "2022-07-12", "PAC requestor", List.of("KB5007206"))));

    /** HV03 lacks everything towards HV01. */
    private static List<AdObject> objects() {
        return replace(mesh("HV01", "HV02", "HV03"), host("HV03", PT, entriesTo("HV02")));
    }

    private static AuditResult audit(List<PatchRecord> patches, boolean configured, List<EventRecord> events) {
        return new Auditor(RuleCatalogue.standard()).evaluate(snapshot(NOW, objects()),
                List.of(cluster("HVC1", "HV01", "HV02", "HV03")), PolicyConfig.defaults(),
                new AuditInputs(NOW, null, null, patches, configured, CATALOGUE, events, !events.isEmpty()));
    }

    private static List<Finding> rule(AuditResult r, String id) {
        return r.findings().stream().filter(f -> f.rule().equals(id)).toList();
    }

    private static PatchRecord patch(String host, String kb) {
        return new PatchRecord(host, kb, LocalDate.of(2022, 11, 9), null, "x.csv:2");
    }

    @Test
    void hardeningPatchOnANodeWithIncompleteDelegation() {
        AuditResult r = audit(List.of(patch("hv03.contoso.com", "KB5019966"), patch("HV01", "KB5019966"),
                patch("HV02", "KB5019081"), patch("HV02", "KB5007206")), true, List.of());
        List<Finding> f = rule(r, "HARDENING_PATCH_WITHOUT_DELEGATION");
        assertEquals(1, f.size(), f.toString());
        assertEquals("HV03", f.get(0).host());
        assertEquals("KB5020805", f.get(0).spn());
        assertTrue(f.get(0).message().contains("KB5019966 (carries KB5020805)"), f.get(0).message());
        assertTrue(f.get(0).message().contains("while pairs from it are blocked: HV01 4 delegation entries missing."),
                f.get(0).message());
        assertEquals(4, f.get(0).evidence().relatedFindings().size(), "the blockers of HV03 -> HV01, by id");
        assertTrue(rule(r, "PATCH_LEVEL_SKEW").isEmpty(), "HV01's and HV03's update of November 2022 carries"
                + " KB5008380 of 2021 too, which HV02 shows apart");
        assertTrue(rule(r, "PATCH_DATA_MISSING").isEmpty());
    }

    /**
     * HV03's missing entries towards HV01 are waived: the hardening finding that follows from them is not waived itself,
     * and its action says to waive it as well or end that waiver, as the reports' remediation does, not to fix the
     * waived findings now.
     */
    @Test
    void aHardeningFindingThatFollowsFromWaivedFindingsSaysSoInItsAction() {
        var waiver = new org.kcdauditor.baseline.Waiver("MISSING_DELEGATION", "HV03", "HV01", null, "rebuild, CHG1",
                LocalDate.of(2035, 12, 31));
        var baseline = new org.kcdauditor.baseline.Baseline(NOW, "run-1", null, Map.of(), List.of(waiver));
        AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(snapshot(NOW, objects()),
                List.of(cluster("HVC1", "HV01", "HV02", "HV03")), PolicyConfig.defaults(),
                new AuditInputs(NOW, baseline, null, List.of(patch("HV03", "KB5019966")), true, CATALOGUE, List.of(),
                        false));
        assertEquals(4, rule(r, "MISSING_DELEGATION").stream().filter(Finding::isWaived).count());
        Finding f = rule(r, "HARDENING_PATCH_WITHOUT_DELEGATION").get(0);
        assertFalse(f.isWaived());
        assertTrue(f.message().contains("while pairs from it are blocked: HV01 4 delegation entries missing (waived)."),
                f.message());
        String what = ((Action.Manual) f.actions().get(0)).what();
        assertTrue(what.startsWith("Its causes, 4 MISSING_DELEGATION findings (ids "), what);
        assertTrue(what.endsWith("are waived and keep the pair failing: waive this finding as well, or end that"
                + " waiver, fix them, then replicate, purge tickets (klist -li 0x3e7 purge) and test a live migration."),
                what);
        assertEquals(what, f.remediation());
    }

    /** HV03's failures towards HV01, Kerberos errors its missing entries explain, audited with {@code waivers}. */
    private static Finding failureWith(org.kcdauditor.baseline.Waiver... waivers) {
        var baseline = new org.kcdauditor.baseline.Baseline(NOW, "run-1", null, Map.of(), List.of(waivers));
        AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(snapshot(NOW, objects()),
                List.of(cluster("HVC1", "HV01", "HV02", "HV03")), PolicyConfig.defaults(),
                new AuditInputs(NOW, baseline, null, List.of(), false, CATALOGUE, List.of(new EventRecord("HV03", 21502,
                        NOW, "HV03", "HV01", EventClassification.NO_CREDENTIALS, "0x8009030E", "m", "a.xml:1")), true));
        List<Finding> f = rule(r, "MIGRATION_FAILURE_OBSERVED");
        assertEquals(1, f.size(), f.toString());
        assertFalse(f.get(0).isWaived());
        assertEquals(4, f.get(0).causes().size(), "explained by HV03's 4 missing entries towards HV01");
        return f.get(0);
    }

    /**
     * An observed failure whose causes are all waived follows from the waiver: its action says so, as the reports'
     * remediation does (waive it as well, or end that waiver and fix them), not "Fix the 4 MISSING_DELEGATION
     * findings" beside it.
     */
    @Test
    void aFailureThatFollowsFromWaivedFindingsSaysSoInItsAction() {
        Finding f = failureWith(new org.kcdauditor.baseline.Waiver("MISSING_DELEGATION", "HV03", "HV01", null,
                "rebuild, CHG1", LocalDate.of(2035, 12, 31)));
        String what = ((Action.Manual) f.actions().get(0)).what();
        assertTrue(what.startsWith("Its causes, 4 MISSING_DELEGATION findings (ids "), what);
        assertTrue(what.endsWith("are waived and keep the pair failing: waive this finding as well, or end that waiver,"
                + " fix them, then replicate, purge tickets on HV03 (klist -li 0x3e7 purge) and retry the migration."),
                what);
        assertFalse(what.startsWith("Fix"), what);
        assertEquals(what, f.remediation());
    }

    /**
     * Of its four causes one is waived (its SPN): the action asks to fix the three open ones now and names the waived
     * one apart, by id, with what keeps the pair failing.
     */
    @Test
    void aFailureWithSomeCausesWaivedNamesWhich() {
        Finding f = failureWith(new org.kcdauditor.baseline.Waiver("MISSING_DELEGATION", "HV03", "HV01", "cifs/HV01",
                "rebuild, CHG1", LocalDate.of(2035, 12, 31)));
        String waived = Finding.stableId("MISSING_DELEGATION", "HV03", "HV01", "cifs/HV01");
        String what = ((Action.Manual) f.actions().get(0)).what();
        assertTrue(what.startsWith("Fix the 3 MISSING_DELEGATION findings (ids "), what);
        assertFalse(what.substring(0, what.indexOf(';')).contains(waived), "the waived one is not among those to fix: "
                + what);
        // one instruction: the retry follows the fix of the waived cause, not "waive this finding as well" too
        assertTrue(what.endsWith("; its 1 MISSING_DELEGATION finding (id " + waived + ") is waived and keeps the pair"
                + " failing: waive this finding as well, or end that waiver, fix it too, then replicate, purge tickets on"
                + " HV03 (klist -li 0x3e7 purge) and retry the migration."), what);
        assertEquals(1, what.split("then ", -1).length - 1, what);
    }

    /**
     * A cumulative update carries every change released before the hardening it is listed for (the catalogue says
     * so): a node whose hotfix list shows only a later one (Get-HotFix lists the latest cumulative update) does not
     * lack the earlier hardening its peers carry through older updates. Before, HV02 with the November 2022 update
     * "lacked" the November 2021 one that HV01 shows.
     */
    @Test
    void aNodeWithALaterCumulativeUpdateDoesNotLackTheEarlierHardeningItCarries() {
        AuditResult r = audit(List.of(patch("HV01", "KB5007206"), patch("HV02", "KB5019081"),
                patch("HV03", "KB5007206")), true, List.of());
        assertEquals(List.of("HV01 lacks hardening KB5020805 which HV02 in HVC1 have installed.",
                        "HV03 lacks hardening KB5020805 which HV02 in HVC1 have installed."),
                rule(r, "PATCH_LEVEL_SKEW").stream().map(Finding::message).toList(),
                "HV02's update of 2022 carries the PAC requestor change of 2021; the others lack the one of 2022");
    }

    /**
     * The preflight a PATCH_LEVEL_SKEW finding asks for names the configuration the run read, quoted as the runbook's
     * closing commands quote it (a Windows path with spaces and an apostrophe in double quotes, a POSIX one with a $ in single
     * quotes), and the placeholder kcd-audit.yaml where the run recorded none or no quoting keeps the path literal.
     */
    @Test
    void thePatchLevelSkewsPreflightNamesTheConfigurationTheRunRead() {
        List<PatchRecord> patches = List.of(patch("HV01", "KB5007206"), patch("HV02", "KB5019081"),
                patch("HV03", "KB5007206"));
        java.util.function.Function<String, String> action = config -> {
            AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(snapshot(NOW, objects()),
                    List.of(cluster("HVC1", "HV01", "HV02", "HV03")), PolicyConfig.defaults(),
                    new AuditInputs(NOW, null, null, patches, true, CATALOGUE, List.of(), false, List.of(), false,
                            org.kcdauditor.config.BaselineConfig.DEFAULT_MAX_WAIVER_DAYS, java.util.Set.of(), config));
            Finding f = rule(r, "PATCH_LEVEL_SKEW").get(0);
            assertEquals(((Action.Manual) f.actions().get(0)).what(), f.remediation());
            return f.remediation();
        };
        assertEquals("Bring the cluster to one patch level in the next window, after delegation is verified"
                + " (kcd-audit preflight --config \"C:\\Program Files\\kcd audit\\O'Brien\\kcd-audit.yaml\" --cluster HVC1).",
                action.apply("C:\\Program Files\\kcd audit\\O'Brien\\kcd-audit.yaml"));
        String posix = action.apply("/srv/kcd audit/it's $HOME/kcd-audit.yaml");
        assertTrue(posix.contains("(kcd-audit preflight --config '/srv/kcd audit/it'\\''s $HOME/kcd-audit.yaml' --cluster"
                + " HVC1)."), posix);
        String none = action.apply(null);
        assertTrue(none.contains("(kcd-audit preflight --config kcd-audit.yaml --cluster HVC1)."), none);
        String unquotable = action.apply("C:\\kcd\\100%\\kcd-audit.yaml");
        assertTrue(unquotable.contains("--config kcd-audit.yaml --cluster"), "a path cmd.exe would expand keeps the"
                + " placeholder, as the runbook's: " + unquotable);
    }

    @Test
    void hardeningPatchOnANodeWhosePairsFailForAnotherReasonIsNotAFinding() {
        // complete delegation; HV01's account is disabled, so every pair into HV01 fails (ACCOUNT_DISABLED), not
        // for want of delegation
        List<AdObject> objects = replace(mesh("HV01", "HV02", "HV03"), host("HV01", PT | Uac.ACCOUNTDISABLE,
                entriesTo("HV02", "HV03")));
        AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(snapshot(NOW, objects),
                List.of(cluster("HVC1", "HV01", "HV02", "HV03")), PolicyConfig.defaults(),
                new AuditInputs(NOW, null, null, List.of(patch("HV02", "KB5019966")), true, CATALOGUE, List.of(), false));
        assertEquals(List.of("HV01"), rule(r, "ACCOUNT_DISABLED").stream().map(Finding::host).toList());
        assertTrue(r.context().pairsFrom(r.context().computer("HV02")).stream().anyMatch(p -> !p.ok()));
        assertTrue(rule(r, "HARDENING_PATCH_WITHOUT_DELEGATION").isEmpty(), "its delegation is complete");
    }

    @Test
    void patchDataMissingOnlyWhenPatchSourcesAreConfigured() {
        assertEquals(List.of("HV02", "HV03"), rule(audit(List.of(patch("HV01", "KB1")), true, List.of()),
                "PATCH_DATA_MISSING").stream().map(Finding::host).toList());
        assertTrue(rule(audit(List.of(), false, List.of()), "PATCH_DATA_MISSING").isEmpty());
    }

    /**
     * Entries gone since the previous run although the directory records no write of the attribute since that run: the
     * values were not removed, the bind account may no longer read them (a deny ACE, seen against Samba), or one of the
     * runs read a DC replication had not reached. The CHANGED_SINCE_LAST_RUN line says so; with a write after the previous run it does
     * not.
     */
    @Test
    void entriesGoneWithoutAWriteSinceThePreviousRunAreSaidToBeUnreadable() {
        PreviousRun previous = new PreviousRun("r1", NOW.minusSeconds(86_400), meshStates(), java.util.Set.of());
        for (Instant written : List.of(NOW.minusSeconds(10 * 86_400), NOW.minusSeconds(3600))) {
            String m = hv03Changed(previous, written);
            String hint = " The directory records no write of msDS-AllowedToDelegateTo on HV03 since the previous run"
                    + " (started 2026-11-19 06:00:00 UTC): the entries may still be there and the bind account no longer allowed"
                    + " to read them (docs/install.md, \"The service account\"), or one of the two runs read a domain"
                    + " controller that replication had not yet reached.";
            assertEquals(written.isBefore(previous.startedAt()), m.endsWith(hint), m);
            // and as data, which the runbook reads: the attribute and its last write, before the previous run
            Evidence e = hv03Finding(previous, written).evidence();
            assertEquals(written.isBefore(previous.startedAt()) ? Boolean.TRUE : null, e.mayBeUnreadable(), m);
            assertEquals(written.isBefore(previous.startedAt()) ? "msDS-AllowedToDelegateTo" : null, e.attribute(), m);
            assertEquals(written.isBefore(previous.startedAt()) ? written : null,
                    e.lastChange() == null ? null : e.lastChange().time(), m);
            // what to do: not "no action" while the entries may be there and the audit blind to them
            String what = ((Action.Manual) hv03Finding(previous, written).actions().get(0)).what();
            assertEquals(written.isBefore(previous.startedAt()) ? "Before acting on a MISSING_DELEGATION finding of"
                    + " HV03, look at HV03's msDS-AllowedToDelegateTo as a Domain Admin on a writable"
                    + " domain controller: if the entries are there, give the bind account read access to it again"
                    + " (docs/install.md, \"The service account\") or run kcd-audit preflight --all-dcs; if they are"
                    + " gone, compare with the change records."
                    : "No action unless the change was not planned; compare with the change records.", what);
        }
    }

    /** The entries gone are in the evidence as well as in the message: what the runbook counts (review 3 item 7). */
    @Test
    void theEntriesGoneSinceThePreviousRunAreInTheEvidence() {
        PreviousRun previous = new PreviousRun("r1", NOW.minusSeconds(86_400), meshStates(), java.util.Set.of());
        Evidence e = hv03Finding(previous, NOW.minusSeconds(3600)).evidence();
        assertFalse(e.entriesRemoved().isEmpty(), e.toString());
        assertTrue(e.entriesRemoved().stream().allMatch(v -> v.toLowerCase(Locale.ROOT).contains("/hv01")),
                e.toString());
        assertEquals(e.entriesRemoved().size(), e.changes().stream()
                .filter(l -> l.startsWith("HV03: delegation entry removed: ")).count(), e.toString());
        assertNull(e.entriesAdded(), e.toString());
    }

    /**
     * The previous run read the directory when it started, not when it finished: a write while it ran (after its
     * read, before its end) may have removed the entries it read, so it is a write since that run, and the hint is
     * not added; a write before it started is none, and the hint names that start.
     */
    @Test
    void aWriteWhileThePreviousRunRanIsAWriteSinceIt() {
        Instant started = NOW.minusSeconds(86_400);
        PreviousRun previous = new PreviousRun("r1", started.plusSeconds(7200), meshStates(), java.util.Set.of(),
                Map.of(), Map.of(), java.util.Set.of(), started, Map.of());
        for (Instant written : List.of(started.plusSeconds(3600), started.minusSeconds(60))) {
            String m = hv03Changed(previous, written);
            assertEquals(written.isBefore(started), m.contains(" since the previous run (started 2026-11-19 06:00:00"
                    + " UTC): the entries may still be there"), m);
        }
    }

    /**
     * The DC records a write's time in whole seconds, a run's start is finer: a write in the second the previous run
     * started (06:00:00.400, written at 06:00:00.700 and recorded 06:00:00) may have come after its read, and is not
     * said to be none; it read "no write since the previous run (started 06:00:00)" beside "changed 06:00:00".
     */
    @Test
    void aWriteInTheSecondThePreviousRunStartedMayBeSinceIt() {
        Instant second = NOW.minusSeconds(86_400);
        PreviousRun previous = new PreviousRun("r1", second.plusSeconds(60), meshStates(), java.util.Set.of(),
                Map.of(), Map.of(), java.util.Set.of(), second.plusMillis(400), Map.of());
        String m = hv03Changed(previous, second);
        assertFalse(m.contains("the entries may still be there"), m);
        assertTrue(hv03Changed(previous, second.minusSeconds(1)).contains("the entries may still be there"));
    }

    /** The node states of the full mesh of HV01..HV03, as a previous run recorded them. */
    private static Map<String, org.kcdauditor.model.HostState> meshStates() {
        Map<String, org.kcdauditor.model.HostState> states = new java.util.LinkedHashMap<>();
        mesh("HV01", "HV02", "HV03").forEach(o -> states.put(o.name(), org.kcdauditor.model.HostState.of(o)));
        return states;
    }

    /**
     * CHANGED_SINCE_LAST_RUN's message on HV03, whose entries towards HV01 are gone since {@code previous}, the DC
     * recording the attribute's last write at {@code written}.
     */
    private static String hv03Changed(PreviousRun previous, Instant written) {
        return hv03Finding(previous, written).message();
    }

    /** The CHANGED_SINCE_LAST_RUN finding of HV03 ({@link #hv03Changed}). */
    private static Finding hv03Finding(PreviousRun previous, Instant written) {
        List<AdObject> now = objects();   // HV03 has lost its entries towards HV01
        String hv03 = now.stream().filter(o -> o.name().equals("HV03")).findFirst().orElseThrow().dn()
                .toLowerCase(Locale.ROOT);
        Snapshot snap = new Snapshot(NOW, "ldaps://dc1.contoso.com:636", "DC=contoso,DC=com", now, null, null, null,
                List.of(), List.of(), Map.of(hv03, List.of(new AttributeChange("msDS-AllowedToDelegateTo", written,
                "DC1", 5))));
        AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(snap,
                List.of(cluster("HVC1", "HV01", "HV02", "HV03")), PolicyConfig.defaults(),
                new AuditInputs(NOW, null, previous, List.of(), false, CATALOGUE, List.of(), false));
        return rule(r, "CHANGED_SINCE_LAST_RUN").stream().filter(f -> f.host().equals("HV03")).findFirst()
                .orElseThrow();
    }

    /**
     * A Kerberos failure logged before the last change of the pair's delegation (a remediation), on a pair nothing
     * blocks now, speaks of a configuration that is gone: not reported, as the plan expects after its change. A
     * failure logged after the change, one of another kind, and one of a pair without change times still are.
     */
    @Test
    void kerberosFailuresLoggedBeforeThePairsDelegationChangedAreNotReportedWhenNothingBlocksIt() {
        List<AdObject> objects = mesh("HV01", "HV02", "HV03");
        String hv02 = objects.stream().filter(o -> o.name().equals("HV02")).findFirst().orElseThrow().dn();
        Snapshot fixed = new Snapshot(NOW, "ldaps://dc1.contoso.com:636", "DC=contoso,DC=com", objects, null, null,
                null, List.of(), List.of(), Map.of(hv02.toLowerCase(Locale.ROOT), List.of(new AttributeChange(
                "msDS-AllowedToDelegateTo", NOW.minusSeconds(30), "DC1", 5))));
        List<EventRecord> events = List.of(
                new EventRecord("HV02", 21502, NOW.minusSeconds(60), "HV02", "HV01", EventClassification.NO_CREDENTIALS,
                        "0x8009030E", "m", "a.xml:1"),
                new EventRecord("HV02", 21502, NOW.minusSeconds(10), "HV02", "HV03", EventClassification.NO_CREDENTIALS,
                        "0x8009030E", "m", "a.xml:2"),
                new EventRecord("HV01", 21502, NOW.minusSeconds(60), "HV01", "HV02", EventClassification.NETWORK,
                        "0x8007274C", "m", "a.xml:3"),
                new EventRecord("HV03", 21502, NOW.minusSeconds(60), "HV03", "HV01", EventClassification.NO_CREDENTIALS,
                        "0x8009030E", "m", "a.xml:4"));
        // a run before the change reported HV02 -> HV01's failure explained by its missing delegation (the store
        // finds it in every earlier run of the config: the previous run may be one after the change, which left the
        // failure out, so the run after it leaves it out too)
        PreviousRun previous = new PreviousRun("r1", NOW.minusSeconds(600), Map.of(), java.util.Set.of(), Map.of(),
                Map.of(PreviousRun.pairKey("HV02", "HV01"), NOW.minusSeconds(3600)));
        AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(fixed,
                List.of(cluster("HVC1", "HV01", "HV02", "HV03")), PolicyConfig.defaults(),
                new AuditInputs(NOW, null, previous, List.of(), false, CATALOGUE, events, true));
        assertEquals(List.of("HV01 -> HV02", "HV02 -> HV03", "HV03 -> HV01"), rule(r, "MIGRATION_FAILURE_OBSERVED")
                .stream().map(f -> f.host() + " -> " + f.peer()).toList());
        // a first audit (or one whose previous run did not explain the failure) reports it: "delegation looks correct"
        for (PreviousRun none : java.util.Arrays.asList(null, new PreviousRun("r0", NOW.minusSeconds(3600), Map.of(),
                java.util.Set.of()))) {
            AuditResult first = new Auditor(RuleCatalogue.standard()).evaluate(fixed,
                    List.of(cluster("HVC1", "HV01", "HV02", "HV03")), PolicyConfig.defaults(),
                    new AuditInputs(NOW, null, none, List.of(), false, CATALOGUE, events, true));
            assertEquals(List.of("HV01 -> HV02", "HV02 -> HV01", "HV02 -> HV03", "HV03 -> HV01"),
                    rule(first, "MIGRATION_FAILURE_OBSERVED").stream().map(f -> f.host() + " -> " + f.peer()).toList());
        }
    }

    @Test
    void migrationFailuresAreExplainedByDelegationFindingsOrNot() {
        List<EventRecord> events = new ArrayList<>();
        events.add(new EventRecord("HV03", 21502, NOW.minusSeconds(60), "HV03", "HV01", EventClassification.NO_CREDENTIALS,
                "0x8009030E", "m", "a.xml:1"));
        events.add(new EventRecord("HV03", 21502, NOW, "HV03", "HV01", EventClassification.NO_CREDENTIALS, "0x8009030E", "m", "a.xml:2"));
        events.add(new EventRecord("HV01", 22038, NOW, "HV01", "HV02", EventClassification.OTHER, null, "m", "b.csv:3"));
        events.add(new EventRecord("SRV99", 22038, NOW, "SRV99", "HV02", EventClassification.OTHER, null, "m", "b.csv:4"));
        events.add(new EventRecord("HV02", 21502, NOW, "HV02", "HV01", EventClassification.SECURITY_CONTEXT,
                "0x80090322", "m", "c.csv:2"));
        events.add(new EventRecord("HV01", 21502, NOW, "HV01", "HV03", EventClassification.NETWORK, "0x8007274C", "m",
                "c.csv:3"));
        AuditResult r = audit(List.of(), false, events);
        List<Finding> f = rule(r, "MIGRATION_FAILURE_OBSERVED");
        assertEquals(4, f.size(), f.toString());
        Finding explained = f.stream().filter(x -> x.host().equals("HV03")).findFirst().orElseThrow();
        assertEquals("HV01", explained.peer());
        assertEquals(Severity.HIGH, explained.severity());
        // the last event's time as the reports write times, not as ISO 8601 ("2026-11-20T06:00:00Z")
        assertTrue(explained.message().startsWith("2 failed migration events HV03 -> HV01, last 2026-11-20 06:00:00"
                + " UTC [NO_CREDENTIALS 0x8009030E]"), explained.message());
        String cause = Finding.stableId("MISSING_DELEGATION", "HV03", "HV01", "cifs/HV01");
        assertTrue(explained.message().contains("explained by 4 MISSING_DELEGATION findings (ids "), explained.message());
        assertTrue(explained.message().contains(cause), explained.message());
        assertTrue(explained.evidence().relatedFindings().contains(cause), "the cause by id, as data");
        assertEquals(Boolean.TRUE, explained.evidence().delegationExplains());
        assertEquals(List.of(21502), explained.evidence().eventIds());
        Finding kerberosButComplete = f.stream().filter(x -> x.host().equals("HV02")).findFirst().orElseThrow();
        // issue 5: a failure with no delegation finding says "delegation looks correct: check network, storage,
        // CredSSP/authentication type"
        assertTrue(kerberosButComplete.message().contains("a Kerberos error, but delegation looks correct: check"
                + " network, storage, CredSSP/authentication type"), kerberosButComplete.message());
        assertTrue(kerberosButComplete.remediation().contains("migration authentication type")
                && kerberosButComplete.remediation().contains("the migration networks and the destination's storage"),
                kerberosButComplete.remediation());
        Finding network = f.stream().filter(x -> "HV03".equals(x.peer())).findFirst().orElseThrow();
        assertTrue(network.remediation().contains("TCP 6600") || network.remediation().contains("6600"),
                network.remediation());
        Finding unexplained = f.stream().filter(x -> x.host().equals("HV01") && "HV02".equals(x.peer())).findFirst()
                .orElseThrow();
        assertTrue(unexplained.message().contains("delegation looks correct and cannot explain this failure (not a"
                + " Kerberos error)"), unexplained.message());
        assertEquals(Boolean.FALSE, unexplained.evidence().delegationExplains());
        assertTrue(unexplained.remediation().contains("the migration networks (TCP 6600), the destination's storage"),
                "an unclassified failure names what else to check: " + unexplained.remediation());
    }

    /**
     * A failure towards a destination the event names but the directory does not hold (a host removed or renamed since,
     * one outside the audited directory) is that pair's: it was reported as "(destination not named)" and "explained by"
     * the source's gaps towards its real peers, which say nothing about it.
     */
    @Test
    void aFailureTowardsAHostTheDirectoryDoesNotHoldKeepsItsDestination() {
        AuditResult r = audit(List.of(), false, List.of(new EventRecord("HV03", 21502, NOW, "HV03", "HV99",
                EventClassification.NO_CREDENTIALS, "0x8009030E", "m", "a.xml:1")));
        List<Finding> f = rule(r, "MIGRATION_FAILURE_OBSERVED");
        assertEquals(1, f.size(), f.toString());
        assertEquals("HV99", f.get(0).peer());
        assertTrue(f.get(0).message().startsWith("1 failed migration event HV03 -> HV99, last 2026-11-20 06:00:00 UTC"
                + " [NO_CREDENTIALS 0x8009030E]; HV99 is not in the directory"), f.get(0).message());
        assertTrue(f.get(0).evidence().relatedFindings() == null || f.get(0).evidence().relatedFindings().isEmpty(),
                "HV03's gaps towards HV01 do not explain a failure towards HV99");
        assertEquals(Boolean.FALSE, f.get(0).evidence().delegationExplains());
    }

    @Test
    void theShippedCatalogueLoads() {
        HardeningCatalogue c = HardeningCatalogueFile.read(Path.of("config/hardening-kbs.yaml"));
        assertEquals(List.of("KB4598347", "KB4577252", "KB5008380", "KB5020805", "KB5037754", "KB5021131", "KB5073381"),
                c.updates().stream().map(HardeningUpdate::kb).toList());
        assertEquals("CVE-2022-37967", c.carriedBy("kb5020805").get(0).cve());
    }
}
