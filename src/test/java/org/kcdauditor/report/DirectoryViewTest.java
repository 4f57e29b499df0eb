package org.kcdauditor.report;

import org.junit.jupiter.api.Test;

import org.kcdauditor.model.AttributeChange;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The sentences the outputs share about directories: the DC check and the missing change times. */
class DirectoryViewTest {
    private static FindingsDocument.DcDoc dc(String name, boolean readOnly, String result) {
        return new FindingsDocument.DcDoc(name, "ldaps://" + name + ":636", readOnly, result, null, null);
    }

    @Test
    void theDcSummaryCountsTheAuditedDcAndNamesLaggingUnreachableAndReadOnlyOnes() {
        ReportView.DirectoryView d = new ReportView.DirectoryView("default", "ldaps://dc1.contoso.com:636",
                "DC=contoso,DC=com", "dc1.contoso.com", "contoso.com", true, null, true, List.of(
                dc("dc1.contoso.com", false, "audited"), dc("dc2.contoso.com", false, "differs"),
                dc("dc3.contoso.com", false, "unreachable"), dc("rodc1.contoso.com", true, "agrees")),
                List.of(difference("dc2.contoso.com", "HV02", "msDS-AllowedToDelegateTo", false, "HV02", "HV03")));
        assertEquals("2 of 4 domain controllers agree with dc1.contoso.com; dc2.contoso.com has not replicated the"
                + " delegation yet, which blocks live migration of 1 pair (HIGH); dc3.contoso.com could not be read, so whether it has replicated the delegation is"
                + " unknown (read-only: rodc1.contoso.com)", d.dcSummary());
        ReportView.DirectoryView none = new ReportView.DirectoryView("default", "ldaps://dc1.contoso.com:636",
                "DC=contoso,DC=com", "dc1.contoso.com", "contoso.com", true, null, true, List.of(), List.of());
        assertEquals("1 of 1 domain controller agrees with dc1.contoso.com", none.dcSummary());
        // without the check a GO rests on one DC: the sentence says so, and how to compare the others
        assertEquals("read from dc1.contoso.com only: whether the other domain controllers have replicated the"
                + " delegation was not checked (kcd-audit preflight --all-dcs)", new ReportView.DirectoryView("default",
                "ldaps://dc1.contoso.com:636", "b", "dc1.contoso.com", "d", true, null, null, null, List.of()).dcSummary());
        assertNull(new ReportView.DirectoryView("default", "u", "b", null, "d", false, "down", null, null, List.of())
                .dcSummary(),
                "a directory not read has no DC to speak of");
    }

    /**
     * A DC's DC_NOT_CONVERGED findings tell whether its difference blocks live migration: those that block a pair
     * (HIGH) are counted in pairs, those that block none (MEDIUM: NOT_DELEGATED alone, an entry the DC still holds, a
     * file server's own account) are said not to affect it, with what differs; a GO beside them is not contradicted.
     */
    @Test
    void theDcSummarySaysWhetherEachDcsDifferenceBlocksLiveMigration() {
        List<Finding> differences = List.of(
                difference("dc2.contoso.com", "HV02", "msDS-AllowedToDelegateTo", false, "HV02", "HV03"),
                difference("dc3.contoso.com", "HV01", "userAccountControl", false, "HV01", "HV02", "HV01", "HV03",
                        "HV02", "HV03"),
                difference("dc3.contoso.com", "HV03", "accountExpires", false),
                difference("dc4.contoso.com", "HV01", "userAccountControl", false),
                difference("dc4.contoso.com", "HV02", "userAccountControl", false),
                difference("dc4.contoso.com", "HV03", "userAccountControl", false),
                difference("dc4.contoso.com", "HV03", "accountExpires", false),
                difference("dc5.contoso.com", "HV02", "userAccountControl", true));
        ReportView.DirectoryView d = new ReportView.DirectoryView("default", "ldaps://dc1.contoso.com:636",
                "DC=contoso,DC=com", "dc1.contoso.com", "contoso.com", true, null, true, List.of(
                dc("dc1.contoso.com", false, "audited"), dc("dc2.contoso.com", false, "differs"),
                dc("dc3.contoso.com", false, "differs"), dc("dc4.contoso.com", false, "differs"),
                dc("dc5.contoso.com", false, "differs")), differences);
        assertEquals("1 of 5 domain controllers agree with dc1.contoso.com; dc2.contoso.com, dc3.contoso.com have not"
                + " replicated the delegation yet, which blocks live migration of 3 pairs (HIGH); dc4.contoso.com"
                + " differs only in what no pair needs (MEDIUM: userAccountControl of HV01, userAccountControl of HV02,"
                + " userAccountControl of HV03 and 1 more), so live migration is not affected; dc1.contoso.com has not"
                + " received changes made on dc5.contoso.com yet, none that a pair needs (MEDIUM: userAccountControl of"
                + " HV02), so live migration is not affected", d.dcSummary());
        // a findings.json written before DC_NOT_CONVERGED listed the pairs it blocks: its HIGH finding blocks, uncounted
        Finding old = difference("dc2.contoso.com", "HV02", "msDS-AllowedToDelegateTo", false);
        old = new Finding(old.id(), old.rule(), Severity.HIGH, old.cluster(), old.host(), old.peer(), old.spn(),
                old.message(), old.remediation(), Evidence.builder().dc("dc2.contoso.com")
                .attribute("msDS-AllowedToDelegateTo").build(), old.actions(), null, null);
        assertEquals("1 of 2 domain controllers agree with dc1.contoso.com; dc2.contoso.com has not replicated the"
                + " delegation yet, which blocks live migration (HIGH)", new ReportView.DirectoryView("default",
                "ldaps://dc1.contoso.com:636", "DC=contoso,DC=com", "dc1.contoso.com", "contoso.com", true, null, true,
                List.of(dc("dc1.contoso.com", false, "audited"), dc("dc2.contoso.com", false, "differs")),
                List.of(old)).dcSummary());
    }

    /** A DC_NOT_CONVERGED finding of {@code host} on {@code dc}, blocking the pairs {@code pairs} (from, to, ...). */
    private static Finding difference(String dc, String host, String attribute, boolean newerThere, String... pairs) {
        List<Evidence.PairRef> refs = new java.util.ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            refs.add(new Evidence.PairRef(pairs[i], pairs[i + 1]));
        }
        return Finding.of("DC_NOT_CONVERGED", refs.isEmpty() ? Severity.MEDIUM : Severity.HIGH, "HVC1", host, null,
                null, dc + " " + attribute, dc + " and dc1.contoso.com disagree on " + host + "'s " + attribute,
                Evidence.builder().dc(dc).auditedDc("dc1.contoso.com").attribute(attribute).pairs(refs)
                        .lastChange(newerThere ? new AttributeChange(attribute, Instant.parse("2026-11-30T14:02:11Z"),
                                "DC5", 7) : null).build(), List.of());
    }

    @Test
    void missingChangeTimesAreSaidOnceNamingTheDirectoriesWhenThereAreSeveral() {
        FindingsDocument one = withDirectories(List.of(directory("default", Boolean.FALSE, true)));
        assertEquals("Change time not available from this directory.", ReportView.of(one).changeTimesNote());
        FindingsDocument two = withDirectories(List.of(directory("contoso", Boolean.TRUE, true),
                directory("fabrikam", Boolean.FALSE, true), directory("lab", Boolean.FALSE, false)));
        assertEquals("Change time not available from this directory: fabrikam.", ReportView.of(two).changeTimesNote());
        FindingsDocument three = withDirectories(List.of(directory("contoso", Boolean.FALSE, true),
                directory("fabrikam", Boolean.FALSE, true), directory("lab", Boolean.TRUE, true)));
        assertEquals("Change time not available from these directories: contoso, fabrikam.",
                ReportView.of(three).changeTimesNote());
        assertNull(ReportView.of(withDirectories(List.of(directory("default", null, true)))).changeTimesNote());
        assertEquals("contoso.com, fabrikam.com, lab.com", ReportView.of(two).domain());
    }

    private static FindingsDocument.DirectoryDoc directory(String name, Boolean changeTimes, boolean audited) {
        return new FindingsDocument.DirectoryDoc(name, "ldaps://dc1." + name + ".com:636", "DC=" + name + ",DC=com",
                null, null, null, null, !audited, audited, audited ? null : "cannot connect", changeTimes, null);
    }

    private static FindingsDocument withDirectories(List<FindingsDocument.DirectoryDoc> dirs) {
        FindingsDocument d = Fixtures.demo();
        return new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(), d.directory(),
                d.summary(), d.policy(), d.clusters(), d.hosts(), d.findings(), d.rules(), null, null, null, null, null,
                dirs);
    }
}
