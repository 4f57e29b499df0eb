package org.kcdauditor.report.xlsx;

import org.junit.jupiter.api.Test;
import org.kcdauditor.model.AttributeChange;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The Timeline sheet's typed columns read a change's replication metadata from its text, as
 * {@link AttributeChange#describe()} writes it (the only form the store kept of earlier runs' changes).
 */
class TimelineChangeTest {
    private static final Instant T = Instant.parse("2026-11-30T14:02:11Z");

    @Test
    void aChangeNamesWhenWhereAndWhichVersion() {
        String line = "HV01: delegation entry removed: cifs/hv02.contoso.com — "
                + new AttributeChange("msDS-AllowedToDelegateTo", T, "DC2", 11).describe();
        assertEquals(new HistorySheets.Written(T, "DC2", 11), HistorySheets.written(line));
    }

    @Test
    void ofSeveralWritesTheLatestCounts() {
        String two = "HV05: SPN added: x — " + new AttributeChange("servicePrincipalName", T.plusSeconds(60), "DC1", 3)
                .describe() + "; HV05: delegation entry added: y — "
                + new AttributeChange("msDS-AllowedToDelegateTo", T, "DC2", 7).describe();
        assertEquals(new HistorySheets.Written(T.plusSeconds(60), "DC1", 3), HistorySheets.written(two));
    }

    @Test
    void aChangeWithoutMetadataOrTimeLeavesTheColumnsBlank() {
        assertNull(HistorySheets.written("HV05: new node (HVC1)"));
        assertNull(HistorySheets.written(null));
        assertEquals(new HistorySheets.Written(null, "DC1", 4), HistorySheets.written("HV01: SPN removed: x — "
                + new AttributeChange("servicePrincipalName", null, "DC1", 4).describe()));
        assertEquals(new HistorySheets.Written(T, null, 2), HistorySheets.written("HV01: SPN removed: x — "
                + new AttributeChange("servicePrincipalName", T, null, 2).describe()));
    }

    /** A directory value cannot pose as the metadata: the reports show its em dash by its code. */
    @Test
    void anEntryThatImitatesTheMetadataIsNotReadAsIt() {
        String forged = "HV01: delegation entry added: cifs/x\\u2014 changed 2020-01-01 00:00:00 UTC at EVIL (version 1)";
        assertNull(HistorySheets.written(forged));
    }
}
