package org.kcdauditor.report;

import org.junit.jupiter.api.Test;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.support.TestFindings;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The storage-path check (Invoke-Command on the node, Test-Path on the file server's share) is a double hop: it opens
 * the share with the caller's credentials delegated by the node, so it fails for any account that cannot be delegated,
 * whatever the node's delegation. It says to run it as a delegable account, names the operators the audit found not
 * delegable, and blames the delegation only for a False with such an account. The test moves and the runbooks say
 * "delegable" in one wording.
 */
class StorageCheckAccountTest {
    private static final String DELEGABLE = "delegable (not in Protected Users, not \"sensitive and cannot be"
            + " delegated\")";

    /** The demo with HV02 -> NAS02 blocked by HV02's CredSSP (a storage path the change fixes), and {@code more}. */
    private static FindingsDocument doc(Finding... more) throws Exception {
        Finding credSsp = TestFindings.of("MIGRATION_AUTH_NOT_KERBEROS", Severity.HIGH, "HVC1", "HV02", null, null,
                "HV02 authenticates live migrations with CredSSP.", Evidence.builder().build(),
                new Action.SetMigrationAuthentication("HV02"));
        String json = java.nio.file.Files.readString(Fixtures.DEMO_FILE).replace("{\"from\":\"HV02\",\"to\":\"NAS02\","
                + "\"required\":2,\"present\":2,\"ok\":true,\"blockers\":[]", "{\"from\":\"HV02\",\"to\":\"NAS02\","
                + "\"required\":2,\"present\":2,\"ok\":false,\"blockers\":[{\"rule\":\"MIGRATION_AUTH_NOT_KERBEROS\","
                + "\"findingId\":\"" + credSsp.id() + "\"}]");
        FindingsDocument d = FindingsJson.MAPPER.readValue(json, FindingsDocument.class);
        // the demo's own operator finding (adm-jdoe) left out: each test says which operators it has
        List<Finding> all = new ArrayList<>(d.findings().stream().filter(f -> !f.rule().equals(
                "OPERATOR_NOT_DELEGABLE")).toList());
        all.add(credSsp);
        all.addAll(List.of(more));
        return new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(), d.directory(),
                d.summary(), d.policy(), d.clusters(), d.hosts(), all, null);
    }

    private static Finding notDelegable(String account) {
        return TestFindings.of("OPERATOR_NOT_DELEGABLE", Severity.MEDIUM, null, account, null, null, "Operator "
                + account + " (through HV Operators) is marked 'Account is sensitive and cannot be delegated': live"
                + " migrations it starts remotely fail, because no host may delegate its credentials.",
                Evidence.builder().operator("HV Operators").build(), new Action.Manual("Keep the protection."));
    }

    private static Procedure.Step storageStep(FindingsDocument doc) {
        return ReportView.of(doc).procedure().steps(Procedure.Phase.VALIDATE).stream()
                .filter(st -> st.action().startsWith("Check the storage path HV02 → NAS02")).findFirst().orElseThrow();
    }

    @Test
    void theStorageCheckAsksForADelegableAccountAndBlamesTheDelegationOnlyThen() throws Exception {
        String detail = storageStep(doc()).detail();
        assertEquals("cluster HVC1; from a management station, not on HV02, as an account that is " + DELEGABLE
                + ": the check then goes through HV02's delegation to cifs on NAS02, as Hyper-V Manager or a storage"
                + " move started remotely does, and with an account that is not delegable it fails whatever the"
                + " delegation; put the share holding the VMs' files in place of <share>; it must return True (False"
                + " or access denied with a delegable account: the delegation is still wrong)", detail);
    }

    @Test
    void theStorageCheckNamesTheOperatorsTheAuditFoundNotDelegable() throws Exception {
        String detail = storageStep(doc(notDelegable("adm-ops"), notDelegable("adm-b"))).detail();
        assertTrue(detail.startsWith("cluster HVC1; from a management station, not on HV02, as an account that is "
                + DELEGABLE + " (this audit found adm-b and adm-ops not delegable, OPERATOR_NOT_DELEGABLE: not as"
                + " them): the check"), detail);
        String one = storageStep(doc(notDelegable("adm-ops"))).detail();
        assertTrue(one.contains(" (this audit found adm-ops not delegable, OPERATOR_NOT_DELEGABLE: not as it): the"
                + " check"), one);
    }

    /** Item 3: the workbook's rows (the procedure's steps) say "delegable" as the runbooks do, from one place. */
    @Test
    void theTestMovesSayDelegableAsTheRunbooksDo() throws Exception {
        FindingsDocument doc = doc();
        ReportView view = ReportView.of(doc);
        List<Procedure.Step> moves = view.procedure().steps(Procedure.Phase.VALIDATE).stream()
                .filter(st -> st.action().startsWith("Live-migrate")).toList();
        assertFalse(moves.isEmpty());
        moves.forEach(st -> assertTrue(st.detail().contains("started remotely it also needs your account "
                + DELEGABLE), st.detail()));
        assertTrue(view.procedure().phase(Procedure.Phase.VALIDATE).summary().contains("started remotely a move also"
                + " needs the account " + DELEGABLE), "the PDF's plan");
        assertTrue(RunbookOrderTest.md(doc).contains("started remotely, it also needs your account " + DELEGABLE),
                "runbook.md");
        assertTrue(RunbookOrderTest.html(doc).contains("it also needs your account " + DELEGABLE.replace("\"",
                "&quot;")), "runbook.html");
        assertTrue(RunbookOrderTest.ps1(doc).contains("a remote start also needs your account " + DELEGABLE),
                "remediation.ps1");
    }
}
