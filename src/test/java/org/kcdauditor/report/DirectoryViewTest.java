package org.kcdauditor.report;

import org.junit.jupiter.api.Test;

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
                dc("dc3.contoso.com", false, "unreachable"), dc("rodc1.contoso.com", true, "agrees")));
        assertEquals("2 of 4 domain controllers agree with dc1.contoso.com; dc2.contoso.com has not replicated the"
                + " delegation yet; dc3.contoso.com could not be read, so whether it has replicated the delegation is"
                + " unknown (read-only: rodc1.contoso.com)", d.dcSummary());
        ReportView.DirectoryView none = new ReportView.DirectoryView("default", "ldaps://dc1.contoso.com:636",
                "DC=contoso,DC=com", "dc1.contoso.com", "contoso.com", true, null, true, List.of());
        assertEquals("1 of 1 domain controller agrees with dc1.contoso.com", none.dcSummary());
        // without the check a GO rests on one DC: the sentence says so, and how to compare the others
        assertEquals("read from dc1.contoso.com only: whether the other domain controllers have replicated the"
                + " delegation was not checked (kcd-audit preflight --all-dcs)", new ReportView.DirectoryView("default",
                "ldaps://dc1.contoso.com:636", "b", "dc1.contoso.com", "d", true, null, null, null).dcSummary());
        assertNull(new ReportView.DirectoryView("default", "u", "b", null, "d", false, "down", null, null).dcSummary(),
                "a directory not read has no DC to speak of");
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
