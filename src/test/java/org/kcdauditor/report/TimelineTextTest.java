package org.kcdauditor.report;

import org.junit.jupiter.api.Test;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A change in the timeline reads the same in the run that saw it and in every later run: the run's own entry is the
 * finding's changes, the stored one its message (the changes and a full stop); month after month the Timeline sheet
 * and the PDF must not show one record in two spellings.
 */
class TimelineTextTest {
    @Test
    void aStoredChangeReadsAsTheRunThatSawItShowedIt() {
        String change = "HV01: delegation entry added: cifs/HV02; HV01: delegation entry added: cifs/hv02.contoso.com";
        Finding now = Finding.of("CHANGED_SINCE_LAST_RUN", Severity.INFO, "HVC1", "HV01", null, null, null,
                change + ".", Evidence.builder().changes(List.of(change.split("; "))).build(), List.of());
        Instant at = Instant.parse("2026-12-04T22:34:40Z");
        HistorySections.HistoryDoc h = new HistorySections.HistoryDoc("prev", at, List.of(), List.of(), List.of());
        HistorySections.Sections s = new HistorySections.Sections(h, null, null, null, null).withTimeline("this", at,
                List.of(now), List.of(new HistorySections.ChangeDoc("prev", at.minusSeconds(86_400), "HV01",
                        change + ".")));
        List<HistorySections.ChangeDoc> t = s.history().timeline();
        assertEquals(2, t.size());
        assertEquals(change, t.get(0).change(), "this run's own entry");
        assertEquals(change, t.get(1).change(), "the same change as a later run reads it from the store");
    }
}
